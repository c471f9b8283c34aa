"""Site-wide rules every app uses: who the client is, how often it may do
something, and which mailbox an email address reaches."""
