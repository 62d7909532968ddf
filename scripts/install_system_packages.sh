#!/usr/bin/env bash
# Debian packages the book and tests need: the Fashion-MNIST files and Chromium for the
# browser tests. Installs what is missing when apt-get can run; otherwise says what to do.
set -euo pipefail
need=()
dpkg -s dataset-fashion-mnist >/dev/null 2>&1 || need+=(dataset-fashion-mnist)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
if command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null 2>&1 && sudo="sudo -n"; }
  if [ "$(id -u)" -eq 0 ] || $sudo true 2>/dev/null; then
    echo "Installing Debian packages: ${need[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
    exit 0
  fi
fi
echo "Cannot install ${need[*]} with apt-get here." >&2
echo "  - Fashion-MNIST: the chapters fall back to torchvision's download (export DL_LIB_DOWNLOAD=1)." >&2
echo "  - Chromium: the browser tests skip, saying why." >&2
