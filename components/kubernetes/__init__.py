"""Kubernetes-side builders shared by every cloud: add-ons and (later) workloads."""
