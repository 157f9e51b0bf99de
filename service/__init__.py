"""Questions -> cited answers, and every way people reach them (HTTP, CLI, evaluation)."""
