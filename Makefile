# The two quick-start commands: `make publish` and `make test`.
.PHONY: setup publish test lint bench clean

setup:
	./scripts/setup.sh

publish: setup
	.venv/bin/pipeline publish --lang es

test: setup
	.venv/bin/python -m pytest
	.venv/bin/ruff check pipeline tests bench
	.venv/bin/mypy

bench: setup
	.venv/bin/python bench/translate.py
	.venv/bin/python bench/publish.py

clean:
	rm -rf output/*/ output/index.html output/assets .cache
