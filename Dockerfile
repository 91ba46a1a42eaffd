# syntax=docker/dockerfile:1
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY requirements.txt .
RUN python -m venv /venv && /venv/bin/pip install -r requirements.txt

FROM python:3.11-slim AS runtime
ENV PATH=/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=shop.settings
RUN useradd --create-home --uid 10001 shop
WORKDIR /app
COPY --from=build /venv /venv
COPY --chown=shop:shop . .
# collectstatic needs a key to import the settings; the real one comes from the environment at run time.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput
USER shop
EXPOSE 8000
# One image, three processes: web (the default command), `worker` and `beat` (the Procfile's), e.g.
#   docker run IMAGE celery -A shop worker      docker run IMAGE celery -A shop beat
# The health check follows the process: web answers /health/live, a worker answers a ping on the broker
# (under its own node name), beat has no check.
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 CMD \
  if grep -q celery /proc/1/cmdline; then \
    if grep -q worker /proc/1/cmdline; then celery -A shop inspect ping --timeout 5 --destination "celery@$(hostname)" >/dev/null; fi; \
  else \
    python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health/live', timeout=4).status == 200 else 1)"; \
  fi
CMD ["gunicorn", "shop.wsgi:application", "--config", "gunicorn.conf.py"]
