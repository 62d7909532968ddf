"""A notebook for the earlier edition's sections 3.2, 3.3 and 4.5 (linear regression from
scratch, its concise version, weight decay), written against d2l 1.0.3's names.

Only its import line is dl_lib's: with ``from d2l import torch as d2l`` it runs on d2l 1.0.3.
tests/test_d2l_compat.py runs it as a script and checks what it prints.
"""
import random

import torch
from torch import nn

import dl_lib as d2l

torch.manual_seed(0)
random.seed(0)

# 3.2 Linear regression from scratch
true_w, true_b = torch.tensor([2, -3.4]), 4.2
features, labels = d2l.synthetic_data(true_w, true_b, 1000)
print("shapes:", tuple(features.shape), tuple(labels.shape))

d2l.set_figsize()
d2l.plt.scatter(d2l.numpy(features[:, 1]), d2l.numpy(labels), 1)


def minibatches(batch_size, features, labels):
    order = list(range(len(features)))
    random.shuffle(order)
    for start in range(0, len(order), batch_size):
        rows = torch.tensor(order[start:start + batch_size])
        yield features[rows], labels[rows]


w = d2l.normal(0, 0.01, size=(2, 1))
w.requires_grad_(True)
b = d2l.zeros(1, requires_grad=True)
lr, num_epochs, batch_size = 0.03, 3, 10
net, loss = d2l.linreg, d2l.squared_loss
for epoch in range(num_epochs):
    for X, y in minibatches(batch_size, features, labels):
        loss(net(X, w, b), y).sum().backward()
        d2l.sgd([w, b], lr, batch_size)
    with torch.no_grad():
        train_l = loss(net(features, w, b), labels)
        print(f"scratch epoch {epoch + 1}, loss {float(train_l.mean()):f}")
print("scratch w error:", d2l.reshape(true_w - d2l.reshape(w, true_w.shape), (-1,)).tolist())
print("scratch b error:", float(true_b - b.detach()))

# 3.3 The concise version
data_iter = d2l.load_array((features, labels), batch_size)
X, y = next(iter(data_iter))
print("first batch:", tuple(X.shape), tuple(y.shape))
model = nn.Sequential(nn.Linear(2, 1))
model[0].weight.data.normal_(0, 0.01)
model[0].bias.data.fill_(0)
mse = nn.MSELoss()
trainer = torch.optim.SGD(model.parameters(), lr=0.03)
for epoch in range(num_epochs):
    for X, y in data_iter:
        trainer.zero_grad()
        mse(model(X), y).backward()
        trainer.step()
print(f"concise loss {float(mse(model(features), labels).detach()):f}")
print("concise w error:", (true_w - model[0].weight.data.reshape(true_w.shape)).tolist())

# 4.5 Weight decay from scratch
n_train, n_test, num_inputs, batch_size = 20, 100, 200, 5
true_w, true_b = d2l.ones((num_inputs, 1)) * 0.01, 0.05
train_iter = d2l.load_array(d2l.synthetic_data(true_w, true_b, n_train), batch_size)
test_iter = d2l.load_array(d2l.synthetic_data(true_w, true_b, n_test), batch_size,
                           is_train=False)


def l2_penalty(w):
    return d2l.reduce_sum(w.pow(2)) / 2


def train_weight_decay(lambd, num_epochs=100, lr=0.003):
    w = torch.normal(0, 1, size=(num_inputs, 1), requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    net = lambda X: d2l.linreg(X, w, b)  # noqa: E731 (as the notebook writes it)
    animator = d2l.Animator(xlabel="epochs", ylabel="loss", yscale="log",
                            xlim=[5, num_epochs], legend=["train", "test"])
    for epoch in range(num_epochs):
        for X, y in train_iter:
            (d2l.squared_loss(net(X), y) + lambd * l2_penalty(w)).sum().backward()
            d2l.sgd([w, b], lr, batch_size)
        if (epoch + 1) % 5 == 0:
            animator.add(epoch + 1, (d2l.evaluate_loss(net, train_iter, d2l.squared_loss),
                                     d2l.evaluate_loss(net, test_iter, d2l.squared_loss)))
    print(f"lambda {lambd}: L2 norm of w {float(torch.norm(w)):f}, "
          f"test loss {animator.Y[1][-1]:f}")


train_weight_decay(lambd=0)
train_weight_decay(lambd=3)
