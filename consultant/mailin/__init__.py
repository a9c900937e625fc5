"""Mail in: the edges (IMAP poller, SMTP listener) store bytes; workers parse and thread."""
