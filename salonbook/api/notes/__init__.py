"""Stylist notes: the StylistNote type, its Markdown, and addStylistNote."""
