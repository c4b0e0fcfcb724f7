"""Reference numbers for tests/pca.rs, computed with numpy (float64 linear algebra).

    pip install numpy && python3 tests/oracles/pca_reference.py

Data: 8 rows of 5 values, x[i][j] = sin(1.3 i + 0.7 j^2) + 0.1 i j, rounded to float32.
PCA: covariance with ddof=1, numpy.linalg.eigh, eigenvalues descending, each component's
largest-magnitude entry made positive; reconstruction MSE with the top k=2 components.
"""
import numpy as np

rows, n, k = 8, 5, 2
x = np.array([[np.sin(1.3 * i + 0.7 * j * j) + 0.1 * i * j for j in range(n)] for i in range(rows)])
x = x.astype(np.float32).astype(np.float64)
mean = x.mean(0)
c = np.cov(x, rowvar=False, ddof=1)
w, v = np.linalg.eigh(c)
order = np.argsort(w)[::-1]
w, v = w[order], v[:, order]
for j in range(n):
    if v[np.argmax(np.abs(v[:, j])), j] < 0:
        v[:, j] *= -1
z = (x - mean) @ v[:, :k]
rec = z @ v[:, :k].T + mean
print("explained_variance =", [float(f"{e:.9g}") for e in w])
print("component0 =", [float(f"{e:.9g}") for e in v[:, 0]])
print("component1 =", [float(f"{e:.9g}") for e in v[:, 1]])
print("recon_mse_k2 =", float(f"{((rec - x) ** 2).mean():.9g}"))
print("total_variance =", float(f"{np.trace(c):.9g}"))
