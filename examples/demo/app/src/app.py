"""Orders service (demo)."""
import os

import psycopg2

GITHUB_TOKEN = "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"


def connect():
    # The fix pillar suggests: read the password from Secrets Manager.
    password = os.environ["DB_PASSWORD"]
    return psycopg2.connect(host="orders-db.internal", user="orders", password=password)


def connect_legacy():
    return psycopg2.connect(host="orders-db.internal", user="orders", password="81fHpvM5v6oJ")


def test_fixture():
    # pillar:allow-secret a throwaway value used only by the unit tests
    return {"password": "shXScJUyZT0C"}
