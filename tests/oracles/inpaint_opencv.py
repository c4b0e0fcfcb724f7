"""Reference outputs of OpenCV's inpainting for tests/e2e/denoise.test.mjs.

Run:  pip install opencv-python-headless==4.12.0.88 numpy
      python3 tests/oracles/inpaint_opencv.py > tests/oracles/inpaint-cases.json

Eight MNIST digits from data/ (numbers 9000..9007) in the notebook's mapping: x in [-1, 1]
(x = (b/255 - 0.5)/0.5), a dropout mask noise in {0, 2} (p = 0.5, numpy seed 4), img_bad =
x * noise, then exactly the notebook's cells:
    corrupted_img = ((img_bad / 4 + 0.5) * 255).byte()      (truncation toward zero)
    mask = 2 - noise.byte()
    cv2.inpaint(corrupted_img, mask, 3, cv2.INPAINT_TELEA) and cv2.INPAINT_NS
plus two cases with a 10x10 square hole (mask 255 inside). The browser's opencv.js (npm
@techstark/opencv-js 4.12.0) must give the same bytes.
"""
import gzip
import json
import sys

import cv2
import numpy as np


def digits(first, k):
    with gzip.open("data/mnist10k-images-idx3-ubyte.gz", "rb") as f:
        raw = f.read()
    n = int.from_bytes(raw[4:8], "big")
    imgs = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(n, 28, 28)
    return imgs[first:first + k]


def main():
    rng = np.random.default_rng(4)
    cases = []
    for i, b in enumerate(digits(9000, 8)):
        x = ((b.astype(np.float32) / 255.0) - np.float32(0.5)) / np.float32(0.5)
        noise = (rng.random((28, 28)) >= 0.5).astype(np.float32) * 2.0
        img_bad = x * noise
        img = ((img_bad / 4 + 0.5) * 255).astype(np.uint8)  # values in [0, 255], so astype == .byte()
        mask = (2 - noise.astype(np.uint8)).astype(np.uint8)
        cases.append((f"digit {9000 + i}, dropout p = 0.5", img, mask))
    for i, b in enumerate(digits(9010, 2)):
        mask = np.zeros((28, 28), np.uint8)
        mask[9:19, 8 + 2 * i:18 + 2 * i] = 255
        img = b.copy()
        img[mask != 0] = 127
        cases.append((f"digit {9010 + i}, 10x10 square", img, mask))
    out = {
        "opencv": cv2.__version__,
        "radius": 3,
        "cases": [
            {
                "name": name,
                "img": img.ravel().tolist(),
                "mask": mask.ravel().tolist(),
                "telea": cv2.inpaint(img, mask, 3, cv2.INPAINT_TELEA).ravel().tolist(),
                "ns": cv2.inpaint(img, mask, 3, cv2.INPAINT_NS).ravel().tolist(),
            }
            for name, img, mask in cases
        ],
    }
    json.dump(out, sys.stdout, separators=(",", ":"))


if __name__ == "__main__":
    main()
