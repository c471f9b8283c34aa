default_app_config = "shop.customer.apps.CustomerConfig"
