"""``python -m perfdsl`` and the ``perfdsl`` command (pyproject's entry point): `perfdsl.cli`'s commands.

The cyclic garbage collector is held off while the command's modules load, and what they made is then
frozen (`gc.freeze`: kept out of every later collection): importing makes some eighty classes, click's
command tree and tens of thousands of objects that live as long as the process, and no garbage to speak
of — yet the collector, counting allocations, ran ~40 times during a cold ``perfdsl eval``'s imports,
walking them again and again.  Held off alone would not do: the first collection after it would walk
every one of them, and the next older generation's again (measured: the imports 7–15 ms faster, the rest
of the run 12–20 ms slower); frozen, they are never walked.  The collector is on before any command runs
(`loader` holds it off while a ruleset loads); docs/cold-start.md.
"""

import gc


def main():
    collecting = gc.isenabled()
    gc.disable()
    try:
        from .cli import main as command
    finally:
        if collecting:
            gc.freeze()
            gc.enable()
    return command()


if __name__ == "__main__":
    main()
