"""Accounts: people, sessions, passwords, email links and dealers' stores."""
