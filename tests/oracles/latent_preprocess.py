#!/usr/bin/env python3
"""Reference for src/latent.rs `preprocess_drawing` (issue 5), in numpy, written from the recipe
rather than from the Rust code:

1. bounding box of the pixels with ink > 0 (ink = alpha byte / 255);
2. longer side scaled to 20 px keeping the aspect ratio (other side max(1, floor(20*s/L + 1/2))),
   by AREA AVERAGING: an output pixel is the mean of the piecewise-constant source over its
   footprint [o*src/dst, (o+1)*src/dst), built as overlap matrices Wy @ crop @ Wx.T;
3. pasted in 28x28 at offset floor((28 - size)/2), then shifted by floor(14 - c + 1/2 + 1e-7) px per axis (the 1e-7 makes exact ties of
   symmetric strokes round up whatever the summation order),
   c = the centre of mass with pixel centres at i + 1/2 (classic MNIST: centre of mass in the
   middle); pixels pushed off the image are dropped;
4. separable Gaussian blur, 3 taps [g(-1), g(0), g(1)] / sum with g(t) = exp(-t^2 / (2 sigma^2)),
   sigma = 0.6, zero padding;
5. v in [0, 1] -> lo + (hi - lo) v with (lo, hi) = (-1, 1), the MSE model's range.

The strokes are anti-aliased thick polylines rasterised here (ink = clip(r + 0.5 - dist, 0, 1),
quantised to bytes as a canvas alpha channel would be). Running this script writes
latent_preprocess.json (inputs as bytes, outputs as floats), which tests/latent.rs reads.
Run: python3 tests/oracles/latent_preprocess.py
"""
import json
import os
import numpy as np

SIGMA = 0.6


def stroke(w, h, points, radius):
    """Alpha bytes [h, w] of a polyline of the given radius (distance to segments, anti-aliased)."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64) + 0.5
    dist = np.full((h, w), np.inf)
    for (x0, y0), (x1, y1) in zip(points[:-1], points[1:]):
        dx, dy = x1 - x0, y1 - y0
        L2 = dx * dx + dy * dy
        t = np.clip(((xx - x0) * dx + (yy - y0) * dy) / L2, 0, 1) if L2 > 0 else np.zeros_like(xx)
        px, py = x0 + t * dx, y0 + t * dy
        dist = np.minimum(dist, np.hypot(xx - px, yy - py))
    ink = np.clip(radius + 0.5 - dist, 0, 1)
    return np.floor(ink * 255 + 0.5).astype(np.uint8)


def area_weights(src, dst):
    scale = src / dst
    W = np.zeros((dst, src))
    for o in range(dst):
        a, b = o * scale, (o + 1) * scale
        for s in range(src):
            W[o, s] = max(0.0, min(b, s + 1) - max(a, s)) / scale
    return W


def preprocess(ink, lo=-1.0, hi=1.0):
    ys, xs = np.nonzero(ink > 0)
    crop = ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    bh, bw = crop.shape
    L = max(bw, bh)
    nw = max(1, int(np.floor(20 * bw / L + 0.5)))
    nh = max(1, int(np.floor(20 * bh / L + 0.5)))
    small = area_weights(bh, nh) @ crop @ area_weights(bw, nw).T
    ox, oy = (28 - nw) // 2, (28 - nh) // 2
    canvas = np.zeros((28, 28))
    canvas[oy:oy + nh, ox:ox + nw] = small
    m = canvas.sum()
    cy = (canvas.sum(axis=1) * (np.arange(28) + 0.5)).sum() / m
    cx = (canvas.sum(axis=0) * (np.arange(28) + 0.5)).sum() / m
    # 1e-7: exact ties (symmetric strokes) round up whatever the summation order.
    sx, sy = int(np.floor(14 - cx + 0.5 + 1e-7)), int(np.floor(14 - cy + 0.5 + 1e-7))
    img = np.zeros((28, 28))
    for y in range(nh):
        for x in range(nw):
            tx, ty = ox + x + sx, oy + y + sy
            if 0 <= tx < 28 and 0 <= ty < 28:
                img[ty, tx] = small[y, x]
    g = np.exp(-np.arange(-1, 2) ** 2 / (2 * SIGMA ** 2))
    g /= g.sum()
    pad = np.pad(img, 1)
    rows = g[0] * pad[1:-1, :-2] + g[1] * pad[1:-1, 1:-1] + g[2] * pad[1:-1, 2:]
    pad = np.pad(rows, 1)
    out = g[0] * pad[:-2, 1:-1] + g[1] * pad[1:-1, 1:-1] + g[2] * pad[2:, 1:-1]
    return lo + (hi - lo) * np.clip(out, 0, 1)


CASES = [
    # name, canvas w, h, polyline, radius
    ("seven", 140, 140, [(30, 25), (110, 25), (60, 120)], 7),
    ("one-thin-tall", 120, 100, [(62, 8), (58, 92)], 4),
    ("wide-dash-off-centre", 160, 90, [(10, 70), (70, 62), (150, 75)], 5),
    ("zero", 100, 100, [(50, 10), (80, 30), (82, 70), (50, 90), (20, 70), (18, 30), (50, 10)], 6),
    ("dot", 64, 64, [(50, 12), (50, 12)], 2),
]

if __name__ == "__main__":
    out = {"source": "tests/oracles/latent_preprocess.py (numpy %s)" % np.__version__, "sigma": SIGMA, "lo": -1.0, "hi": 1.0, "cases": []}
    for name, w, h, pts, r in CASES:
        alpha = stroke(w, h, pts, r)
        res = preprocess(alpha.astype(np.float64) / 255.0)
        out["cases"].append({"name": name, "w": w, "h": h, "alpha": alpha.ravel().tolist(), "expected": [round(float(v), 9) for v in res.ravel()]})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "latent_preprocess.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print("wrote", path)
