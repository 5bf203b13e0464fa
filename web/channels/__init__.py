"""Other ways sellers hear from and reach support: the e-mail outbox and notifications."""
