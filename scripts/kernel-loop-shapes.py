#!/usr/bin/env python3
"""The wasm GEMM micro-kernel's loop, as V8 compiles it, replayed natively in a few shapes.

V8 (`node --print-wasm-code`) compiles the relaxed-SIMD 4×8 kernel (src/gemm/kernel.rs) into a
loop of 27 instructions per k step: the 8 FMAs and 6 loads of any 4×8 kernel, plus a stack check
(`cmp rsp, [limit]`) every iteration, a `movl` copy of each 32-bit index before it addresses
memory (`[membase + index]`), and one `lea` per load for its constant offset (LLVM does not fold
the offsets into the wasm loads: loop strength reduction drops the `nuw` they need). This writes
each shape below as inline assembly in one C program, runs them in turns (60 rounds of 20 ms each,
the same core and minute) and prints GFLOP/s per shape (median, 10th and 90th percentiles).
x86-64 with AVX2 + FMA and gcc only; not part of `make test` (it times, it asserts nothing).

  python3 scripts/kernel-loop-shapes.py

Shapes (every one the same 8 FMA chains on the same 4×8 tile, KC = 128, operands in L1):
  pointers            what gcc makes of the kernel: two pointers, offsets folded (18 instructions)
  pointers + check    the same with V8's per-iteration stack check
  index + check       V8's addressing, [membase + index + offset], no copies
  index, no check     the same without the stack check
  V8's loop           the stack check, the index copies and a lea per load at an offset, as V8
                      emits it
  V8's loop, unrolled the same two k steps per iteration (one check, two copies per two steps)
"""
import os
import subprocess
import sys
import tempfile

ZERO = "vxorps %%xmm0,%%xmm0,%%xmm0\\n" + "".join(f"vmovaps %%xmm0,%%xmm{i}\\n" for i in range(1, 8))
CHECK = "cmpq (%[lim]), %%rsp\\n jbe 3f\\n"
# Per row of A: the register of its broadcast and the two accumulators (B's halves) it feeds.
ROWS = [(8, 1, 2), (12, 3, 4), (12, 5, 6), (10, 7, 0)]


def step(a, b):
    """One k step: B's two halves, then per row a broadcast of A and its two FMAs.
    a(i), b(h): the memory operands of A's row i and B's half h."""
    s = f"vmovdqu {b(0)}, %%xmm9\\n vmovdqu {b(1)}, %%xmm11\\n"
    for i, (tmp, lo, hi) in enumerate(ROWS):
        s += f"vbroadcastss {a(i)}, %%xmm{tmp}\\n"
        s += f"vfmadd231ps %%xmm{tmp},%%xmm9,%%xmm{lo}\\n vfmadd231ps %%xmm{tmp},%%xmm11,%%xmm{hi}\\n"
    return s


def v8_step(first):
    """V8's k step: a load at offset 0 through the copied index, any other through a `lea`."""
    def operand(reg, off):
        if off == 0:
            return "", f"(%[m],%%{reg},1)"
        return f"leal {off}(%%{reg}), %%r10d\\n ", "(%[m],%%r10,1)"

    base = 0 if first else 1
    s = ""
    for h, xmm in ((0, 9), (1, 11)):
        lea, op = operand("rdi", 16 * h + 32 * base)
        s += f"{lea}vmovdqu {op}, %%xmm{xmm}\\n "
    for i, (tmp, lo, hi) in enumerate(ROWS):
        lea, op = operand("rsi", 4 * i + 16 * base)
        s += f"{lea}vbroadcastss {op}, %%xmm{tmp}\\n "
        s += f"vfmadd231ps %%xmm{tmp},%%xmm9,%%xmm{lo}\\n vfmadd231ps %%xmm{tmp},%%xmm11,%%xmm{hi}\\n "
    return s


PTRS = "lea (%[m],%%rdx,1), %%rsi\\n lea (%[m],%%r9,1), %%rdi\\n"
PTR_STEP = step(lambda i: f"{4 * i}(%%rsi)", lambda h: f"{16 * h}(%%rdi)")
PTR_NEXT = "addq $16, %%rsi\\n addq $32, %%rdi\\n addl $-1, %%eax\\n jnz 1b\\n"
IDX_STEP = step(lambda i: f"{4 * i}(%[m],%%rdx,1)", lambda h: f"{16 * h}(%[m],%%r9,1)")
IDX_NEXT = "addl $16, %%edx\\n addl $32, %%r9d\\n addl $-1, %%eax\\n jnz 1b\\n"
COPY = "movl %%edx, %%esi\\n movl %%r9d, %%edi\\n"
LOOP = ".p2align 6\\n 1: "

SHAPES = {
    "pointers": PTRS + LOOP + PTR_STEP + PTR_NEXT,
    "pointers + check": PTRS + LOOP + CHECK + PTR_STEP + PTR_NEXT,
    "index + check": LOOP + CHECK + IDX_STEP + IDX_NEXT,
    "index, no check": LOOP + IDX_STEP + IDX_NEXT,
    "V8's loop": LOOP + CHECK + COPY + v8_step(True) + IDX_NEXT,
    "V8's loop, unrolled": LOOP + CHECK + COPY + v8_step(True) + v8_step(False)
    + "addl $32, %%edx\\n addl $64, %%r9d\\n addl $-2, %%eax\\n jnz 1b\\n",
}

CLOBBER = '"rax","rsi","rdi","rdx","r9","r10",' + ",".join(f'"xmm{i}"' for i in range(13)) + ',"memory","cc"'


def program():
    out = ["#include <stdio.h>", "#include <stdint.h>", "#include <stdlib.h>", "#include <time.h>",
           "static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }",
           "static uint64_t limit = 0; /* the stack check never fires */",
           "static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return x < y ? -1 : x > y; }"]
    for i, body in enumerate(SHAPES.values()):
        out.append(f'__attribute__((noinline)) static void k{i}(char *m, uint32_t ao, uint32_t bo, long kc, uint64_t *lim) {{'
                   f' __asm__ volatile("{ZERO}" "mov %[kc], %%rax\\n mov %[ao], %%edx\\n mov %[bo], %%r9d\\n" "{body}" "3:\\n"'
                   f' : : [m]"r"(m), [ao]"r"(ao), [bo]"r"(bo), [kc]"r"(kc), [lim]"r"(lim) : {CLOBBER}); }}')
    n = len(SHAPES)
    calls = " ".join(f"if (v == {i}) k{i}(m, 4096, 9280, 128, &limit);" for i in range(n))
    names = ", ".join(f'"{s}"' for s in SHAPES)
    out.append(f"""int main(void) {{
  char *m = aligned_alloc(4096, 1 << 20);
  for (int i = 0; i < (1 << 18); i++) ((float *)m)[i] = 1e-3f;
  static double r[{n}][60];
  const char *names[{n}] = {{{names}}};
  for (int round = 0; round < 60; round++)
    for (int v = 0; v < {n}; v++) {{
      double t = now(); long calls = 0;
      while (now() - t < 0.02) {{ for (int i = 0; i < 300; i++) {{ {calls} }} calls += 300; }}
      r[v][round] = calls * 128 * 64.0 / (now() - t) / 1e9; /* 4x8 tile, 2 FLOPs per multiply-add */
    }}
  for (int v = 0; v < {n}; v++) {{
    qsort(r[v], 60, sizeof(double), cmp);
    printf("%-22s %5.1f GFLOP/s (10th-90th percentile %.1f-%.1f)\\n", names[v], r[v][30], r[v][6], r[v][54]);
  }}
  return 0;
}}""")
    return "\n".join(out)


def main():
    with tempfile.TemporaryDirectory() as d:
        src, exe = os.path.join(d, "shapes.c"), os.path.join(d, "shapes")
        with open(src, "w") as f:
            f.write(program())
        subprocess.run(["gcc", "-O2", src, "-o", exe], check=True)
        sys.exit(subprocess.run([exe]).returncode)


if __name__ == "__main__":
    main()
