"""pipeline check: site model, headings, links, lint, fix, gate, findings output."""
