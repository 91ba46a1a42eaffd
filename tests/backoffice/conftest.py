from tests.admin.conftest import (  # noqa: F401 - the back-office tests log in as the same roles
    _media_root,
    admin_client,
    catalog_client,
    catalog_manager,
    order_client,
    order_manager,
    roles,
    superuser,
)
