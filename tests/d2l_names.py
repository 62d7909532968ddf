"""The public names of the d2l 1.0.3 package that notebooks for chapters 2-5 use, as facts.

Source: ``d2l/torch.py`` of the released wheel ``d2l-1.0.3-py3-none-any.whl`` on PyPI
(``pip download d2l==1.0.3 --no-deps``); the signatures are its ``def`` lines, the kinds what
each top-level name is bound to. Sections: ``(1.0)`` is the current edition (d2l.ai, PyTorch),
``(0.17)`` the earlier one (d2l 0.17 notebooks, whose helpers 1.0.3 still ships); "both" means
the section of that number in each edition. Chapter 5 of the earlier edition is "Deep Learning
Computation" (5.6: GPUs). ``tests/test_d2l_compat.py`` checks dl_lib against these lists.
"""

from __future__ import annotations

# Every public top-level name of d2l 1.0.3's torch.py, by what it is bound to. No dl_lib
# submodule may take one of these names, and none of them may be a module in dl_lib unless
# it is one in d2l.
D2L_NAMES: dict[str, tuple[str, ...]] = {
    "module": (
        "backend_inline", "collections", "d2l", "data", "display", "F", "hashlib", "Image",
        "inspect", "math", "nn", "np", "os", "pd", "plt", "random", "re", "requests", "shutil",
        "sys", "tarfile", "time", "torch", "torchvision", "transforms", "zipfile"
    ),
    "class": (
        "Accumulator", "AdditiveAttention", "AddNorm", "Animator", "AttentionDecoder",
        "BananasDataset", "BasicScheduler", "Benchmark", "BERTEncoder", "BERTModel", "Classifier",
        "DataModule", "Decoder", "defaultdict", "DotProductAttention", "Encoder", "EncoderDecoder",
        "FashionMNIST", "GRU", "HPOScheduler", "HPOSearcher", "HPOTrainer", "HPOTuner",
        "HyperParameters", "LeNet", "LinearRegression", "LinearRegressionScratch",
        "MaskedSoftmaxCELoss", "MaskLM", "Module", "MTFraEng", "MultiHeadAttention",
        "NextSentencePred", "nn_Module", "PositionalEncoding", "PositionWiseFFN", "ProgressBoard",
        "RandomGenerator", "RandomSearcher", "Residual", "ResNeXtBlock", "RNN", "RNNLM",
        "RNNLMScratch", "RNNScratch", "Seq2Seq", "Seq2SeqEncoder", "SGD", "SNLIDataset",
        "SoftmaxRegression", "SuccessiveHalvingScheduler", "SyntheticRegressionData",
        "TimeMachine", "Timer", "TokenEmbedding", "Trainer", "TransformerEncoder",
        "TransformerEncoderBlock", "Vocab", "VOCSegDataset"
    ),
    "function": (
        "abs", "accuracy", "add_to_class", "annotate", "arange", "argmax", "assign_anchor_to_bbox",
        "astype", "batch_matmul", "batchify", "bbox_to_rect", "bleu", "box_center_to_corner",
        "box_corner_to_center", "box_iou", "build_array_nmt", "check_len", "check_shape", "concat",
        "copyfile", "corr2d", "cos", "cosh", "cpu", "distance_matrix", "download",
        "download_extract", "evaluate_accuracy_gpu", "evaluate_loss", "exp", "expand_dims",
        "extract", "eye", "frozen_lake", "get_centers_and_contexts", "get_data_ch11",
        "get_dataloader_workers", "get_fashion_mnist_labels", "get_negatives",
        "get_tokens_and_segments", "gpu", "grad_clipping", "hpo_objective_lenet", "init_cnn",
        "init_seq2seq", "linreg", "linspace", "load_array", "load_data_bananas",
        "load_data_fashion_mnist", "load_data_imdb", "load_data_nmt", "load_data_ptb",
        "load_data_snli", "load_data_voc", "load_data_wiki", "log", "make_env", "masked_softmax",
        "matmul", "meshgrid", "multibox_detection", "multibox_prior", "multibox_target", "nms",
        "normal", "num_gpus", "numpy", "offset_boxes", "offset_inverse", "ones", "ones_like",
        "plot", "predict_sentiment", "predict_seq2seq", "predict_snli", "preprocess_nmt", "rand",
        "randn", "rbfkernel", "read_csv_labels", "read_data_bananas", "read_data_nmt", "read_imdb",
        "read_ptb", "read_snli", "read_voc_images", "reduce_mean", "reduce_sum", "reorg_test",
        "reorg_train_valid", "repeat", "reshape", "resnet18", "sequence_mask", "set_axes",
        "set_figsize", "sgd", "show_bboxes", "show_heatmaps", "show_images",
        "show_list_len_pair_hist", "show_Q_function_progress", "show_trace_2d",
        "show_value_function_progress", "sigmoid", "sin", "sinh", "size", "split_batch",
        "squared_loss", "stack", "subsample", "swapaxes", "synthetic_data", "tanh", "tensor", "to",
        "tokenize", "tokenize_nmt", "train_2d", "train_batch_ch13", "train_ch11", "train_ch13",
        "train_ch6", "train_concise_ch11", "train_seq2seq", "transpose", "truncate_pad",
        "try_all_gpus", "try_gpu", "update_D", "update_G", "use_svg_display", "voc_colormap2label",
        "voc_label_indices", "voc_rand_crop", "zeros", "zeros_like"
    ),
    "dtype": (
        "float32", "int32", "int64"
    ),
    "value": (
        "DATA_HUB", "DATA_URL", "VOC_CLASSES", "VOC_COLORMAP"
    ),
}

# The names chapters 2-5 call, with the sections that call them.
USED: dict[str, str] = {
    "use_svg_display": "2.4 (both); 3.5 (0.17); 4.2 (1.0)",
    "set_figsize": "2.4, 2.6 (both); 3.2 (0.17)",
    "set_axes": "2.4 (both)",
    "plot": "2.4, 3.1 (both); 5.1, 5.4 (1.0); 4.1, 4.8, 4.10 (0.17)",
    "show_images": "4.2 (1.0); 3.5, 3.6 (0.17)",
    "add_to_class": "3.2-3.5, 4.3, 4.4, 5.2, 5.7 (1.0)",
    "HyperParameters": "3.2 (1.0)",
    "ProgressBoard": "3.2 (1.0)",
    "Module": "3.2-3.4, 4.3 (1.0)",
    "DataModule": "3.2, 3.3, 3.7, 5.7 (1.0)",
    "Trainer": "3.2-3.5, 3.7, 4.4, 4.5, 5.2, 5.6, 5.7 (1.0)",
    "SyntheticRegressionData": "3.3-3.5, 3.7 (1.0)",
    "LinearRegressionScratch": "3.4, 3.7 (1.0)",
    "SGD": "3.4 (1.0)",
    "LinearRegression": "3.5, 3.7, 5.7 (1.0)",
    "FashionMNIST": "4.2, 4.4, 4.5, 5.2, 5.6 (1.0)",
    "Classifier": "4.3-4.5, 5.2, 5.6 (1.0)",
    "SoftmaxRegression": "4.5 (1.0)",
    "cpu": "3.2 (1.0); 5.6 (0.17)",
    "gpu": "5.6 (0.17)",
    "num_gpus": "3.2 (1.0)",
    "try_gpu": "5.6 (0.17)",
    "try_all_gpus": "5.6 (0.17)",
    "Timer": "3.1, 3.5 (0.17)",
    "synthetic_data": "3.2, 3.3, 4.5 (0.17)",
    "linreg": "3.2, 4.5 (0.17)",
    "squared_loss": "3.2, 4.5 (0.17)",
    "sgd": "3.2, 3.6, 4.5 (0.17)",
    "load_array": "3.3, 4.4, 4.5, 4.10 (0.17)",
    "get_fashion_mnist_labels": "3.5, 3.6 (0.17)",
    "get_dataloader_workers": "3.5 (0.17)",
    "load_data_fashion_mnist": "3.5-3.7, 4.2, 4.3, 4.6 (0.17)",
    "accuracy": "3.6 (0.17)",
    "Accumulator": "3.6, 4.4 (0.17)",
    "Animator": "3.6, 4.4, 4.5 (0.17)",
    "evaluate_loss": "4.4, 4.5 (0.17)",
    "DATA_HUB": "5.7 (1.0); 4.10 (0.17)",
    "DATA_URL": "5.7 (1.0); 4.10 (0.17)",
    "download": "5.7 (1.0); 4.10 (0.17)",
    "extract": "5.7 (1.0); 4.10 (0.17)",
    "download_extract": "4.10 (0.17)",
}

# Modules d2l's torch.py imports that notebooks reach through ``d2l.``.
MODULES: dict[str, str] = {
    "plt": "2.6 (both), 3.2 (0.17): d2l.plt.plot, d2l.plt.scatter",
    "data": "3.3 (0.17): data.TensorDataset, data.DataLoader",
    "display": "3.6 (0.17): the Animator's display.display / clear_output",
    "torch": "",
    "nn": "",
    "F": "",
    "np": "",
    "math": "",
    "time": "",
    "os": "",
    "random": "",
    "collections": "",
    "inspect": "",
}

# d2l 1.0.3's alias block (the end of torch.py): framework-neutral names for torch functions.
ALIASES: tuple[str, ...] = (
    "nn_Module", "ones_like", "ones", "zeros_like", "zeros", "tensor", "arange", "meshgrid", "sin",
    "sinh", "cos", "cosh", "tanh", "linspace", "exp", "log", "normal", "rand", "randn", "matmul",
    "int32", "int64", "float32", "concat", "stack", "abs", "eye", "sigmoid", "batch_matmul",
    "numpy", "size", "reshape", "to", "reduce_sum", "argmax", "astype", "transpose", "reduce_mean",
    "expand_dims", "swapaxes", "repeat"
)

# Parameters as d2l 1.0.3 declares them (without ``self``); None: not declared by the class
# itself (inherited from its base class).
SIGNATURES: dict[str, str | None] = {
    "use_svg_display": "()",
    "set_figsize": "(figsize=(3.5, 2.5))",
    "set_axes": "(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend)",
    "plot": (
        "(X, Y=None, xlabel=None, ylabel=None, legend=[], xlim=None, ylim=None, "
        "xscale='linear', yscale='linear', fmts=('-', 'm--', 'g-.', 'r:'), figsize=(3.5, 2.5), "
        "axes=None)"
    ),
    "show_images": "(imgs, num_rows, num_cols, titles=None, scale=1.5)",
    "add_to_class": "(Class)",
    "HyperParameters": None,
    "ProgressBoard": (
        "(xlabel=None, ylabel=None, xlim=None, ylim=None, xscale='linear', yscale='linear', "
        "ls=['-', '--', '-.', ':'], colors=['C0', 'C1', 'C2', 'C3'], fig=None, axes=None, "
        "figsize=(3.5, 2.5), display=True)"
    ),
    "Module": "(plot_train_per_epoch=2, plot_valid_per_epoch=1)",
    "DataModule": "(root='../data', num_workers=4)",
    "Trainer": "(max_epochs, num_gpus=0, gradient_clip_val=0)",
    "SyntheticRegressionData": "(w, b, noise=0.01, num_train=1000, num_val=1000, batch_size=32)",
    "LinearRegressionScratch": "(num_inputs, lr, sigma=0.01)",
    "SGD": "(params, lr)",
    "LinearRegression": "(lr)",
    "FashionMNIST": "(batch_size=64, resize=(28, 28))",
    "Classifier": None,
    "SoftmaxRegression": "(num_outputs, lr)",
    "cpu": "()",
    "gpu": "(i=0)",
    "num_gpus": "()",
    "try_gpu": "(i=0)",
    "try_all_gpus": "()",
    "Timer": "()",
    "synthetic_data": "(w, b, num_examples)",
    "linreg": "(X, w, b)",
    "squared_loss": "(y_hat, y)",
    "sgd": "(params, lr, batch_size)",
    "load_array": "(data_arrays, batch_size, is_train=True)",
    "get_fashion_mnist_labels": "(labels)",
    "get_dataloader_workers": "()",
    "load_data_fashion_mnist": "(batch_size, resize=None)",
    "accuracy": "(y_hat, y)",
    "Accumulator": "(n)",
    "Animator": (
        "(xlabel=None, ylabel=None, legend=None, xlim=None, ylim=None, xscale='linear', "
        "yscale='linear', fmts=('-', 'm--', 'g-.', 'r:'), nrows=1, ncols=1, figsize=(3.5, 2.5))"
    ),
    "evaluate_loss": "(net, data_iter, loss)",
    "download": "(url, folder='../data', sha1_hash=None)",
    "extract": "(filename, folder=None)",
    "download_extract": "(name, folder=None)",
    "HyperParameters.save_hyperparameters": "(ignore=[])",
    "ProgressBoard.draw": "(x, y, label, every_n=1)",
    "Module.loss": "(y_hat, y)",
    "Module.forward": "(X)",
    "Module.plot": "(key, value, train)",
    "Module.training_step": "(batch)",
    "Module.validation_step": "(batch)",
    "Module.configure_optimizers": "()",
    "DataModule.get_dataloader": "(train)",
    "DataModule.train_dataloader": "()",
    "DataModule.val_dataloader": "()",
    "DataModule.get_tensorloader": "(tensors, train, indices=slice(0, None))",
    "Trainer.prepare_data": "(data)",
    "Trainer.prepare_model": "(model)",
    "Trainer.fit": "(model, data)",
    "Trainer.fit_epoch": "()",
    "Trainer.prepare_batch": "(batch)",
    "SyntheticRegressionData.get_dataloader": "(train)",
    "LinearRegressionScratch.forward": "(X)",
    "LinearRegressionScratch.loss": "(y_hat, y)",
    "LinearRegressionScratch.configure_optimizers": "()",
    "SGD.step": "()",
    "SGD.zero_grad": "()",
    "LinearRegression.forward": "(X)",
    "LinearRegression.loss": "(y_hat, y)",
    "LinearRegression.configure_optimizers": "()",
    "LinearRegression.get_w_b": "()",
    "FashionMNIST.text_labels": "(indices)",
    "FashionMNIST.get_dataloader": "(train)",
    "FashionMNIST.visualize": "(batch, nrows=1, ncols=8, labels=[])",
    "Classifier.validation_step": "(batch)",
    "Classifier.accuracy": "(Y_hat, Y, averaged=True)",
    "Classifier.loss": "(Y_hat, Y, averaged=True)",
    "SoftmaxRegression.forward": "(X)",
    "Timer.start": "()",
    "Timer.stop": "()",
    "Timer.avg": "()",
    "Timer.sum": "()",
    "Timer.cumsum": "()",
    "Animator.add": "(x, y)",
    "Accumulator.add": "(*args)",
    "Accumulator.reset": "()",
    "Accumulator.__getitem__": "(idx)",
}
