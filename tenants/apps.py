from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class TenantsConfig(AppConfig):
    name = "tenants"

    def ready(self) -> None:
        """Any save or delete of a key or a tenant (the admin's included) makes every process
        read the key again on its next request (tenants/key_cache.py)."""
        from tenants import key_cache
        from tenants.models import ApiKey, Tenant

        post_save.connect(key_cache.on_key_saved, sender=ApiKey,
                          dispatch_uid="tenants.key_saved")
        post_delete.connect(key_cache.on_key_saved, sender=ApiKey,
                            dispatch_uid="tenants.key_deleted")
        post_save.connect(key_cache.on_tenant_saved, sender=Tenant,
                          dispatch_uid="tenants.tenant_saved")
