# Bianmin — `make run` and `make test` are all a fresh machine needs (Python 3.11, make, package registries).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: run test lint contracts typecheck migrations-check bench install install-dev seed clean scheduler

$(BIN)/.installed: requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "需要 $(PYTHON)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	touch $@

install: $(BIN)/.installed
install-dev: $(BIN)/.installed-dev

var:
	mkdir -p var

run: install var
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py seed_demo
	@echo "便民已启动：http://127.0.0.1:$(PORT)/  （工作人员入口 /staff/ ，接口文档 /api/v1/docs ）"
	@echo "演示账号的动态验证码密钥（TOTP）：$$($(BIN)/python -c 'from bianmin.demo.totp import DEMO_TOTP_SECRET as s; print(s)') —— 加入任一验证器应用，或运行 $(BIN)/python -m bianmin.demo.totp 显示当前验证码"
	@echo "调度进程（消息发送、时限巡检）随网站一同启动，Ctrl-C 一并停止"
	$(BIN)/python manage.py serve 127.0.0.1:$(PORT)

scheduler: install var
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py scheduler

lint: install-dev
	$(BIN)/ruff check .

contracts: install-dev
	$(BIN)/lint-imports

typecheck: install-dev
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/mypy

migrations-check: install-dev
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

test: install-dev lint contracts typecheck migrations-check
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python -m pytest

bench: install-dev
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
