"""The outbox: every email the site sends is a row, written in the transaction it
belongs to and sent once by a worker after the commit (see README, "Email")."""
