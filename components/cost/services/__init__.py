"""Per-cloud pricers of the services that are not machines (control planes, NAT gateways,
public IPs, keys, logs, load balancers, volumes, managed inference), priced from the catalog's
service prices. Each cloud's machine pricer module merges its ``PRICERS``."""
