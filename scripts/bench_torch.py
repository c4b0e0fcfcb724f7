"""PyTorch on one thread, the notebook's two training steps: the mark issue #11 sets the engine.

    python3 scripts/bench_torch.py [--seconds 3] [--repeats 5]     (make bench runs it where
                                                                  `import torch` works)
    python3 scripts/bench_torch.py --serve     (rounds on request: one line of JSON in,
                                                {"d": 500, "seconds": 0.6}, one out)

The step is 10-autoencoder.ipynb's: Linear(784, d) + Tanh, Linear(d, 784) + Tanh, MSELoss, Adam
lr 1e-3, batch 256; d = 30 on the image, d = 500 on the image times a Dropout(p=0.5) mask of ones
(values 0 or 2) drawn each step, the loss against the clean image. The batches are rows of one
tensor in [-1, 1] in a shuffled order (no DataLoader: its per-batch Python would be timed, the
engine has none). Timed like `autoencoder-playground bench`: one warm-up step, then `repeats`
runs of seconds/repeats per model in turns, the median; samples per wall second and per second
of this thread's CPU time. Prints a line of text per model and, last, one line of JSON.

--serve times rounds between the page's (scripts/bench-marks.mjs `torchRounds`): after the
warm-up it prints {"ready": true, ...} and then, for each request line, that model's rate over
that many seconds, so the page and PyTorch are timed in turns in the same minute.

torch is not installed by make setup (its wheel is ~3 GB): install it yourself to compare.
"""
import argparse
import json
import statistics
import sys
import time

import torch
from torch import nn

MODELS = [("standard d=30", 30, False), ("denoising d=500", 500, True)]
BATCH, PIXELS, ROWS = 256, 784, 10_000


def step_fn(d, denoise, data):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(PIXELS, d), nn.Tanh(), nn.Linear(d, PIXELS), nn.Tanh())
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn, drop = nn.MSELoss(), nn.Dropout(p=0.5)
    state = {"order": torch.randperm(ROWS), "at": 0}

    def step():
        if state["at"] + BATCH > ROWS:  # a new epoch: a new order (the notebook's shuffle=True)
            state["order"], state["at"] = torch.randperm(ROWS), 0
        img = data[state["order"][state["at"]:state["at"] + BATCH]]
        state["at"] += BATCH
        x = img * drop(torch.ones(img.shape)) if denoise else img
        loss = loss_fn(model(x), img)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss

    return step


def timed(seconds, step):
    t0, c0, n = time.perf_counter(), time.thread_time(), 0
    while n == 0 or time.perf_counter() - t0 < seconds:
        step()
        n += 1
    wall, cpu = time.perf_counter() - t0, time.thread_time() - c0
    return n * BATCH / wall, (n * BATCH / cpu if cpu > 0 else None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--serve", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    data = torch.rand(ROWS, PIXELS, generator=torch.Generator().manual_seed(0)) * 2 - 1
    steps = [step_fn(d, denoise, data) for _, d, denoise in MODELS]
    for s in steps:
        s()  # warm-up
    about = {"torch": torch.__version__, "threads": torch.get_num_threads(),
             "cpu_capability": torch.backends.cpu.get_cpu_capability()}
    if a.serve:
        return serve(dict(zip((d for _, d, _ in MODELS), steps)), about)
    runs = [[] for _ in MODELS]
    for _ in range(a.repeats):
        for i, s in enumerate(steps):
            runs[i].append(timed(a.seconds / a.repeats, s))
    out = {**about, "results": []}
    for (name, d, _), r in zip(MODELS, runs):
        wall = statistics.median(x[0] for x in r)
        cpu = statistics.median(x[1] for x in r) if all(x[1] for x in r) else None
        out["results"].append({"name": name, "d": d, "batch": BATCH, "samples_per_s": wall, "samples_per_cpu_s": cpu})
        print(f"PyTorch {torch.__version__} ({out['cpu_capability']}), 1 thread, {name}: {wall:.0f} samples/s"
              + (f", {cpu:.0f} per CPU-second" if cpu else ""))
    print(json.dumps(out))


def serve(steps, about):
    """Rounds on request: {"ready": true, ...about} once warm, then per line of stdin
    ({"d": 500, "seconds": 0.6}) one line {"d", "samples_per_s", "samples_per_cpu_s"}, or
    {"error": ...} for a request it cannot read; ends at the end of stdin."""
    print(json.dumps({"ready": True, **about}), flush=True)
    for line in sys.stdin:
        try:
            ask = json.loads(line)
            step, seconds = steps[ask["d"]], float(ask["seconds"])
        except (ValueError, KeyError, TypeError) as e:
            print(json.dumps({"error": f"bad request {line.strip()!r}: {e}"}), flush=True)
            continue
        wall, cpu = timed(seconds, step)
        print(json.dumps({"d": ask["d"], "samples_per_s": wall, "samples_per_cpu_s": cpu}), flush=True)


if __name__ == "__main__":
    main()
