#!/usr/bin/env python3
"""Reference for the latent map's 2-D projection (src/latent.rs `project_codes`, issue 5): the
first two principal components of codes [k, d] by numpy.linalg.eigh of the sample covariance
(1/(k-1)), each component signed so its largest-magnitude entry is positive, and the share of the
total variance they explain. The codes are a fixed formula, evaluated in float64 and rounded to
float32 exactly as the Rust test does:

  x[i, j] = 3 sin(0.37 i) cos(0.9 j) + 1.5 cos(0.53 i) sin(0.4 j + 1) + 0.3 sin(1.7 i + j)

Cases: k = 40, d = 5 (the exact PCA path, crate::pca) and k = 200, d = 160 (the subspace-iteration
path used above d = 128). Prints the first 6 rows of each projection and the explained share;
those numbers are copied into tests/latent.rs. Run: python3 tests/oracles/latent_pca.py
"""
import numpy as np


def codes(k, d):
    i = np.arange(k)[:, None].astype(np.float64)
    j = np.arange(d)[None, :].astype(np.float64)
    x = 3 * np.sin(0.37 * i) * np.cos(0.9 * j) + 1.5 * np.cos(0.53 * i) * np.sin(0.4 * j + 1) + 0.3 * np.sin(1.7 * i + j)
    return x.astype(np.float32).astype(np.float64)


def project(x):
    k = x.shape[0]
    xc = x - x.mean(axis=0)
    c = xc.T @ xc / (k - 1)
    w, v = np.linalg.eigh(c)
    order = np.argsort(w)[::-1][:2]
    comps = v[:, order].T
    for r in comps:
        if r[np.argmax(np.abs(r))] < 0:
            r *= -1
    return xc @ comps.T, w[order].sum() / np.trace(c)


if __name__ == "__main__":
    print("numpy", np.__version__)
    for k, d in [(40, 5), (200, 160)]:
        xy, ex = project(codes(k, d))
        print(f"k={k} d={d} explained={ex:.9f}")
        for r in xy[:6]:
            print(f"    [{r[0]:.7f}, {r[1]:.7f}],")
