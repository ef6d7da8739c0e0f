#!/usr/bin/env bash
# Sends real HTTP requests to the sample's POST /predict (default: 2,000 requests, 50 at a time).
#   ./samples/spring-boot/load.sh [requests] [url]
set -euo pipefail
n="${1:-2000}"
url="${2:-http://127.0.0.1:8080/predict}"
seq "$n" | xargs -P 50 -I{} sh -c '
  amount=$(( ($(od -An -N2 -tu2 /dev/urandom) % 2000) ))
  risk=$(( $(od -An -N1 -tu1 /dev/urandom) % 10 ))
  curl -s -o /dev/null -H "Content-Type: application/json" -H "X-Request-Id: load-{}" \
    -d "{\"userId\":\"user-$(( {} % 500 ))\",\"amount\":$amount,\"merchantRisk\":$risk,\"foreign\":false}" \
    "'"$url"'"'
echo "sent $n requests to $url"
