# Shortcuts for the README's two quick-start commands (which need no make).
.PHONY: setup publish test bench clean

setup:
	./scripts/setup.sh

publish: setup
	.venv/bin/pipeline publish --lang es

test:
	./scripts/test.sh

bench:
	./scripts/setup.sh --bench
	.venv/bin/python bench/run.py

clean:
	rm -rf output/*/ output/index.html output/assets output/.manifest.json .cache
