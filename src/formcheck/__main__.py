"""`python -m formcheck`: the same as the `formcheck` command."""

from formcheck.entry import run

if __name__ == "__main__":
    run()
