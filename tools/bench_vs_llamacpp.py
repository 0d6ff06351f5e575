"""Ponder vs llama.cpp, side by side: prompt processing (pp) and generation (tg).

Both sides measure the same thing, in the manner of llama-bench: pp evaluates P
random tokens in one batch from an empty context; tg evaluates N tokens one at a
time from an empty context. Each repetition runs llama.cpp, then `ponder bench`,
so slow drifts of the machine hit both. Reported: median tokens/s, min–max, and
Ponder's speed as a multiple of llama.cpp's.
"""
import argparse
import json
import random
import statistics
import subprocess
import time

from llama_cpp import Llama


def llama_cpp_runs(model, threads, prompt_tokens, generated_tokens):
    """One pp and one tg measurement with llama.cpp (model already loaded)."""
    vocabulary = model.n_vocab()
    rng = random.Random(42)
    results = {}
    if prompt_tokens:
        tokens = [rng.randrange(vocabulary) for _ in range(prompt_tokens)]
        model.reset()
        start = time.perf_counter()
        model.eval(tokens)
        results["pp"] = prompt_tokens / (time.perf_counter() - start)
    if generated_tokens:
        tokens = [rng.randrange(vocabulary) for _ in range(generated_tokens)]
        model.reset()
        start = time.perf_counter()
        for token in tokens:
            model.eval([token])
        results["tg"] = generated_tokens / (time.perf_counter() - start)
    return results


def ponder_runs(ponder, model_path, threads, prompt_tokens, generated_tokens):
    """One pp and one tg measurement with `ponder bench` (a fresh process)."""
    output = subprocess.run(
        [ponder, "bench", "--model", model_path, "-t", str(threads), "-p", str(prompt_tokens),
         "-n", str(generated_tokens), "-r", "1", "--json"],
        check=True, capture_output=True, text=True).stdout
    results = {}
    for entry in json.loads(output)["results"]:
        results[entry["test"][:2]] = entry["median"]
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ponder", required=True)
    parser.add_argument("--default-model", required=True)
    parser.add_argument("--model")
    parser.add_argument("-t", "--threads", type=int, default=2)
    parser.add_argument("-p", type=int, default=512)
    parser.add_argument("-n", type=int, default=128)
    parser.add_argument("-r", type=int, default=5)
    args = parser.parse_args()
    model_path = args.model or args.default_model

    llama = Llama(model_path, n_ctx=max(args.p, args.n) + 16, n_batch=max(args.p, 1), n_ubatch=max(args.p, 1),
                  n_threads=args.threads, n_threads_batch=args.threads, verbose=False)
    llama_cpp_runs(llama, args.threads, min(args.p, 32), min(args.n, 8))  # warm-up
    samples = {("llama.cpp", "pp"): [], ("llama.cpp", "tg"): [], ("ponder", "pp"): [], ("ponder", "tg"): []}
    for _ in range(args.r):
        for test, value in llama_cpp_runs(llama, args.threads, args.p, args.n).items():
            samples[("llama.cpp", test)].append(value)
        for test, value in ponder_runs(args.ponder, model_path, args.threads, args.p, args.n).items():
            samples[("ponder", test)].append(value)

    print(f"model: {model_path}")
    print(f"threads: {args.threads}, repetitions: {args.r}, llama-cpp-python with its bundled llama.cpp")
    print(f"{'test':8}{'llama.cpp tok/s':>22}{'ponder tok/s':>22}{'ratio':>8}")
    for test, size in (("pp", args.p), ("tg", args.n)):
        if not size:
            continue
        row = f"{test}{size:<6}"
        medians = []
        for engine in ("llama.cpp", "ponder"):
            values = samples[(engine, test)]
            median = statistics.median(values)
            medians.append(median)
            row += f"{median:10.1f} ({min(values):.0f}–{max(values):.0f})".rjust(22)
        row += f"{medians[1] / medians[0]:7.2f}x"
        print(row)


if __name__ == "__main__":
    main()
