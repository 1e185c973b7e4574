# The front-end packages (package-lock.json), installed where Node.js is.
FROM node:20-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
COPY --from=assets /app/node_modules /app/node_modules
# The compiled catalogue (.mo) is in the repository, so the image needs no gettext.
RUN DEBUG=0 SECRET_KEY=build-only python manage.py collectstatic --noinput
RUN useradd --system --home /app app && mkdir -p /app/var /app/media && chown -R app /app/var /app/media
USER app
EXPOSE 8000
