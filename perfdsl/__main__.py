"""``python -m perfdsl`` and the ``perfdsl`` command (pyproject's entry point): `perfdsl.cli`'s commands.

The cyclic garbage collector is held off while the command's modules load: importing them makes some
eighty classes, click's command tree and thousands of objects that all live on, and no garbage — yet
the collector, counting allocations, ran ~40 times during a cold ``perfdsl eval``'s imports, 10–20 ms
of its ~150 (docs/cold-start.md).  It is on again before any command runs (`loader` holds it off
while a ruleset loads, for the same reason).
"""

import gc


def main():
    collecting = gc.isenabled()
    gc.disable()
    try:
        from .cli import main as command
    finally:
        if collecting:
            gc.enable()
    return command()


if __name__ == "__main__":
    main()
