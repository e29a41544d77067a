"""Pure-Python clinical core: knowledge base, differential engine and measure scoring. No Qt."""
