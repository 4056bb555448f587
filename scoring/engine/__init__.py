"""The scoring engine: pure Python over Decimal. The database feeds it plain data (see
scoring.selectors.results); it never touches the database itself."""
