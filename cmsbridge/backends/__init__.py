"""Backends: one module per CMS transport, all implementing :class:`cmsbridge.backends.base.Backend`."""
