"""Build the same corpus with sitegen and its peers and print a table of medians.

For each size N: a cold build (no output, no cache), a nothing-changed rebuild, and a one-edit
rebuild (one explainer's text changed), repeated --runs times, each with the peak memory (summed
PSS, see measure.py) of the whole process tree; medians, each with its ratio to Hugo. Sources
and output live on a RAM disk (/dev/shm) so the disk is not what is measured.

    python bench/run.py [--sizes 100,1000,10000] [--tools sitegen,Hugo] [--runs 3] [--cold-only]
                        [--sitegen COMMAND] [--json out.json] [--markdown out.md]
    python bench/run.py --report a.json b.json [--markdown out.md]

Every finished tool and size is saved at once to --json, so that long runs can be split (the
small sizes with every peer, 100,000 with sitegen and Hugo) and their tables merged by --report.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import corpus
import measure
import peers

DEFAULT_SIZES = (100, 1000, 10000, 100000)
SLOW_PEERS_LIMIT = 10000
"""Above this size only sitegen and Hugo run unless --all-peers: the others take many minutes."""
FAST_TOOLS = ("sitegen", "Hugo")
COLD = (("cold", False),)
WARM = (("noop", True), ("edit", True))
"""The steps of a run: (name, whether it is a rebuild)."""
CPU_OF = {"cold": "cpu", "noop": "cpu_noop", "edit": "cpu_edit"}
NONE = "\N{EN DASH}"
TIMES = "\N{MULTIPLICATION SIGN}"


@dataclass
class Result:
    """The runs of one tool at one size."""

    cold: list[float] = field(default_factory=list)
    noop: list[float] = field(default_factory=list)
    edit: list[float] = field(default_factory=list)
    memory: list[int] = field(default_factory=list)
    """Peak summed PSS of the cold builds' process trees (bytes): the memory really held."""
    rss: list[int] = field(default_factory=list)
    """Peak summed RSS of the same builds, which counts pages shared by forked workers once per
    process; results saved before PSS was sampled have only this."""
    cpu: list[float] = field(default_factory=list)
    """CPU seconds of the cold builds: steadier than wall time on a busy machine."""
    cpu_noop: list[float] = field(default_factory=list)
    cpu_edit: list[float] = field(default_factory=list)
    error: str = ""

    def median(self, kind: str) -> float | None:
        if kind == "memory" and not self.memory:  # saved by an older bench: RSS only
            kind = "rss"
        values = getattr(self, kind)
        return statistics.median(values) if values else None


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    parser.add_argument("--tools", default="", help="comma-separated (default: all)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--sitegen",
        default="",
        help="command that runs sitegen (default: this checkout, installed into bench/peers/)",
    )
    parser.add_argument("--work", type=Path, default=Path("/dev/shm/sitegen-bench"))
    parser.add_argument("--markdown", type=Path, help="also write the tables here")
    parser.add_argument("--all-peers", action="store_true", help="run every peer at 100,000 too")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per build")
    parser.add_argument("--cold-only", action="store_true", help="skip the two rebuilds")
    parser.add_argument("--json", type=Path, help="save the results here as they come")
    parser.add_argument("--report", type=Path, nargs="+", help="only tabulate saved results")
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(size) for size in args.sizes.split(",")]
    except ValueError:
        parser.error("--sizes takes comma-separated integers")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def selected_tools(args: argparse.Namespace) -> list[peers.Tool]:
    tools = peers.all_tools(args.sitegen)
    if args.tools:
        wanted = {name.strip().lower() for name in args.tools.split(",")}
        unknown = wanted - {tool.name.lower() for tool in tools}
        if unknown:
            sys.exit(f"unknown tools: {', '.join(sorted(unknown))}")
        tools = [tool for tool in tools if tool.name.lower() in wanted]
    return tools


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def clean(tool: peers.Tool, paths: peers.Paths) -> None:
    for path in [paths.out, *tool.caches(paths)]:
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def edit(path: Path, run: int) -> None:
    """Change one explainer's text: a sentence added to its last paragraph."""
    text = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(f"{text} The minister later clarified the remark ({run}).\n", "utf-8")


def build(
    tool: peers.Tool, paths: peers.Paths, timeout: float, *, rebuild: bool, memory: bool = False
) -> measure.Sample:
    """One build, timed; with `memory`, its memory sampled instead (which slows it down)."""
    env = {**os.environ, **tool.env}
    command = tool.command(paths, rebuild=rebuild)
    return measure.run(command, paths.project, env, timeout, sample_memory=memory)


def bench_tool(
    tool: peers.Tool, spec: corpus.Corpus, root: Path, args: argparse.Namespace
) -> Result:
    """Write the corpus for `tool` under `root`, then cold / no-change / one-edit, --runs times,
    then one more cold build whose memory is sampled (`measure.run`: sampling would slow the
    timed builds)."""
    if root.exists():
        shutil.rmtree(root)
    paths = peers.Paths(project=root / "src", out=root / "out")
    paths.project.mkdir(parents=True)
    tool.write(spec, paths.project)
    # The edited explainer sits mid-corpus: neither the first file nor the last.
    target = tool.source_of(paths.project, spec.explainers[len(spec.explainers) // 2].slug)
    result = Result()
    for run in range(args.runs):
        clean(tool, paths)
        for kind, rebuild in COLD if args.cold_only else COLD + WARM:
            if kind == "edit":
                edit(target, run)
            sample = build(tool, paths, args.timeout, rebuild=rebuild)
            if failed(tool, kind, sample, result, args.timeout):
                return result
            getattr(result, kind).append(sample.seconds)
            getattr(result, CPU_OF[kind]).append(sample.cpu)
            log(f"  {tool.name} run {run + 1} {kind}: {sample.seconds:.2f} s, "
                f"CPU {sample.cpu:.2f} s, load {os.getloadavg()[0]:.1f}")  # fmt: skip
    clean(tool, paths)
    sample = build(tool, paths, args.timeout, rebuild=False, memory=True)
    if not failed(tool, "memory", sample, result, args.timeout):
        result.memory.append(sample.peak_memory)
        result.rss.append(sample.peak_rss)
        pss, rss = sample.peak_memory / 2**20, sample.peak_rss / 2**20
        log(f"  {tool.name} memory: {pss:.0f} MiB PSS ({rss:.0f} MiB RSS summed)")
    return result


def failed(
    tool: peers.Tool, kind: str, sample: measure.Sample, result: Result, timeout: float
) -> bool:
    """Whether the build failed or ran out of time; if so, `result.error` says how."""
    if sample.timed_out:
        result.error = (
            f"{kind} build killed after {timeout:.0f} s (--timeout), "
            f"{sample.cpu:.0f} s CPU, peak memory {mebibytes(sample.peak_memory)} so far"
        )
    elif sample.returncode != 0:
        result.error = f"{kind} build exit {sample.returncode}: {sample.stderr.strip()}"
    else:
        return False
    log(f"  {tool.name} FAILED: {result.error[:2000]}")
    return True


def seconds(value: float | None) -> str:
    if value is None:
        return NONE
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def mebibytes(value: float | None) -> str:
    return NONE if value is None else f"{value / 2**20:.0f} MiB"


def ratio(value: float | None, hugo: float | None) -> str:
    if value is None or not hugo:
        return ""
    return f" ({value / hugo:.2f}{TIMES})"


def detail_table(results: dict[tuple[str, int], Result], names: list[str], sizes: list[int]) -> str:
    """One row per tool and size: the four medians, each with its ratio to Hugo's."""
    lines = [
        "| tool | N | cold build | nothing changed | one edit | peak memory (cold) | CPU (cold) "
        "| CPU (nothing changed) | CPU (one edit) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in sizes:
        hugo = results.get(("Hugo", size))
        for name in names:
            result = results.get((name, size))
            if result is None:
                continue
            if result.error:
                lines.append(f"| {name} | {size:,} | failed | | | | | | |")
                continue
            cells = []
            for kind in ("cold", "noop", "edit", "memory", *CPU_OF.values()):
                value = result.median(kind)
                base = hugo.median(kind) if hugo and not hugo.error else None
                shown = mebibytes(value) if kind == "memory" else seconds(value)
                cells.append(shown + ratio(value, base))
            lines.append(f"| {name} | {size:,} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def summary_table(
    results: dict[tuple[str, int], Result], names: list[str], sizes: list[int]
) -> str:
    """The issue's layout: cold build per size, then memory and one-edit at the 10k size.

    A cold build shows its wall time, then its CPU time in brackets.
    """
    ref = 10000 if 10000 in sizes else max(sizes)
    head = [f"{size:,}" for size in sizes] + [f"peak memory at {ref:,}", f"one-edit at {ref:,}"]
    lines = ["| tool | " + " | ".join(head) + " |", "| --- |" + " ---: |" * len(head)]
    for name in names:
        cells = []
        for size in sizes:
            result = results.get((name, size))
            if result and result.error:
                cells.append("failed")
            else:
                cpu = _m(result, "cpu")
                suffix = f" ({seconds(cpu)} CPU)" if cpu is not None else ""
                cells.append(seconds(_m(result, "cold")) + suffix)
        result = results.get((name, ref))
        cells += [mebibytes(_m(result, "memory")), seconds(_m(result, "edit"))]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _m(result: Result | None, kind: str) -> float | None:
    return result.median(kind) if result and not result.error else None


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30
    return f"{os.cpu_count()} CPUs ({cpu}), {memory:.0f} GiB RAM, {platform.platform()}"


Results = dict[tuple[str, int], Result]


def save(path: Path, results: Results, versions: dict[str, str], runs: int) -> None:
    rows = [{"tool": t, "size": n, **asdict(r)} for (t, n), r in results.items()]
    data = {"machine": machine(), "runs": runs, "versions": versions, "results": rows}
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")


def load(paths: Sequence[Path]) -> tuple[Results, dict[str, str], str]:
    """Saved results merged in order (a later file wins for the same tool and size)."""
    results: Results = {}
    versions: dict[str, str] = {}
    notes = []
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            sys.exit(f"cannot read results from {path}: {err}")
        versions.update(data["versions"])
        notes.append(f"{path.name}: medians of {data['runs']} runs")
        for row in data["results"]:
            key = (row.pop("tool"), row.pop("size"))
            results[key] = Result(**row)
    return results, versions, "; ".join(notes)


def report(results: Results, versions: dict[str, str], note: str) -> str:
    order = [tool.name for tool in peers.all_tools()]
    names = [name for name in order if any(key[0] == name for key in results)]
    sizes = sorted({size for _, size in results})
    return "\n".join(
        [
            f"Machine: {machine()}. {note}; ratios are to Hugo.",
            "",
            "Versions: " + ", ".join(f"{name} {versions[name]}" for name in names) + ".",
            "",
            summary_table(results, names, sizes),
            "",
            detail_table(results, names, sizes),
            "",
        ]
    )


def measure_all(args: argparse.Namespace) -> tuple[Results, dict[str, str]]:
    tools = selected_tools(args)
    for tool in tools:
        tool.install()
    versions = {tool.name: tool.version() for tool in tools}
    results: Results = {}
    for size in args.sizes:
        log(f"N = {size:,}: generating the corpus (load {os.getloadavg()[0]:.1f}) ...")
        spec = corpus.generate(size)
        for tool in tools:
            if size > SLOW_PEERS_LIMIT and tool.name not in FAST_TOOLS and not args.all_peers:
                continue
            log(f" {tool.name} {versions[tool.name]}")
            root = args.work / f"n{size}" / tool.name.lower()
            results[(tool.name, size)] = bench_tool(tool, spec, root, args)
            if args.json:
                save(args.json, results, versions, args.runs)
    return results, versions


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.report:
        results, versions, note = load(args.report)
    else:
        results, versions = measure_all(args)
        note = f"Medians of {args.runs} runs"
    text = report(results, versions, note)
    print(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    failures = [f"{name} at {size:,}: {r.error}" for (name, size), r in results.items() if r.error]
    for failure in failures:
        log(f"FAILED {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
