"""Output formats for results: the JSON contract, the terminal table, and the 评分表 files."""
