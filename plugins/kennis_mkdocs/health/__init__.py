"""The generated "Knowledge health" page: freshness overall and per section, and what needs care."""
