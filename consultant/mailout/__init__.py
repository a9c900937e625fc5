"""Mail out: replies composed from approved drafts, sent by SMTP with a fixed Message-ID."""
