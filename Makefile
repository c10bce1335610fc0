# The two commands of the README: `make run` and `make test`. Everything else is set-up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat setup.cfg pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint format bench fuzz browser clean proto

run: $(STAMP)
	$(BIN)/python run.py $(ARGS)

test: $(STAMP) browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# Browser tests use Debian's Chromium; install it when we can (root), else they skip.
browser:
	@sh scripts/ensure-chromium.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The route fuzz of `make test` with many more examples (about 10 minutes).
fuzz: $(STAMP)
	PASAR_FUZZ_EXAMPLES=$${PASAR_FUZZ_EXAMPLES:-100000} $(BIN)/python -m pytest -q -s tests/test_fuzz_routes.py

bench: $(STAMP)
	for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Regenerate the committed gRPC modules from kernel/proto/stream_list.proto.
proto: $(STAMP)
	$(BIN)/python -m grpc_tools.protoc -I. --python_out=. --grpc_python_out=. --pyi_out=. \
		kernel/proto/stream_list.proto

clean:
	rm -rf $(VENV) build *.egg-info
