"""API keys: shown once, stored as prefix + digest, revocable, tracked on use."""

from django.utils import timezone

from tenants.models import ApiKey
from tenants.services import authenticate_api_key, issue_api_key, revoke_api_key
from tests.conftest import api_client


def test_key_secret_is_never_stored(acme):
    secret = acme.key.secret
    row = ApiKey.objects.get(pk=acme.key.api_key.pk)
    stored = " ".join(str(getattr(row, f.attname)) for f in ApiKey._meta.fields)
    assert secret not in stored
    assert secret.split("_", 2)[2] not in stored
    assert row.prefix in secret


def test_valid_key_authenticates_and_records_last_use(acme):
    assert acme.key.api_key.last_used_at is None
    key = authenticate_api_key(acme.key.secret)
    assert key == acme.key.api_key
    assert ApiKey.objects.get(pk=key.pk).last_used_at is not None


def test_wrong_secret_with_a_real_prefix_is_refused(acme):
    scheme, prefix, secret = acme.key.secret.split("_", 2)
    assert authenticate_api_key(f"{scheme}_{prefix}_{secret[:-1]}x") is None
    assert authenticate_api_key("garbage") is None
    assert authenticate_api_key("") is None


def test_revoked_key_gets_401(acme):
    client = api_client(acme.key.secret)
    assert client.get("/api/v1/jobs").status_code == 200
    revoke_api_key(acme.key.api_key)
    response = client.get("/api/v1/jobs")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_a_tenant_can_hold_several_keys_and_revoking_one_keeps_the_other(acme):
    second = issue_api_key(acme.tenant, name="ci")
    revoke_api_key(acme.key.api_key)
    assert api_client(second.secret).get("/api/v1/jobs").status_code == 200
    assert ApiKey.objects.get(pk=acme.key.api_key.pk).revoked_at <= timezone.now()


def test_malformed_authorization_header_is_401_not_500(acme):
    for header in ["Bearer", "Basic dXNlcjpwYXNz", "Bearer  ", "Token abc"]:
        client = api_client()
        client.credentials(HTTP_AUTHORIZATION=header)
        response = client.get("/api/v1/jobs")
        assert response.status_code == 401, header
        assert response.json()["code"] in ("authentication_failed", "not_authenticated")
