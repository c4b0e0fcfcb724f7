"""Reference numbers for tests/capacity.rs (PCA beside the AE), computed with numpy.

Run from the repository root:  python3 tests/oracles/capacity_pca.py
It reads the committed data/mnist10k-images-idx3-ubyte.gz, takes the first ROWS images, scales
them as the MSE model sees them (x = (b/255 - 0.5)/0.5, in float32), fits PCA with numpy's
symmetric eigen-solver (covariance with 1/(rows-1)), and prints for each k: the explained
variance of the first components, their sum over the trace, and the MSE (mean over rows and
pixels) of the rank-k projection of the same images, plus its PSNR on the range [-1, 1].
"""
import gzip
import numpy as np

ROWS = 500
with gzip.open("data/mnist10k-images-idx3-ubyte.gz", "rb") as f:
    raw = f.read()
n, r, c = (int.from_bytes(raw[i:i + 4], "big") for i in (4, 8, 12))
imgs = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(n, r * c)[:ROWS]
x = ((imgs.astype(np.float32) / np.float32(255)) - np.float32(0.5)) / np.float32(0.5)
x = x.astype(np.float64)
mean = x.mean(axis=0)
xc = x - mean
cov = xc.T @ xc / (ROWS - 1)
vals, vecs = np.linalg.eigh(cov)
order = np.argsort(vals)[::-1]
vals, vecs = vals[order], vecs[:, order]
for k in (1, 10, 50):
    v = vecs[:, :k]
    rec = xc @ v @ v.T + mean
    mse = np.mean((rec - x) ** 2)
    psnr = 10 * np.log10(4.0 / mse)
    print(f"k={k} ev[:3]={vals[:3].tolist()} ratio={vals[:k].sum() / np.trace(cov):.9f} mse={mse:.9f} psnr={psnr:.6f}")
