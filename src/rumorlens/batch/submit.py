"""Entry point for ``spark-submit``, which runs a Python *file*, not ``python -m``:

    spark-submit --master yarn $(python -c 'import rumorlens.batch.submit as s; print(s.__file__)') \\
        batch /data/day.jsonl --out /data/verdicts --engine spark

Absolute imports only: the file runs as ``__main__``, outside its package.
"""

from rumorlens.cli import main

if __name__ == "__main__":
    main()
