"""Every computed sentence a patient reads, by audience: `plan` (answers about their own plan), `general`
(the connectives of knowledge answers), `chat` (the conversation itself) and `calendar` (calendar events).
Static replies are the responses in domain.yml. Clinical reviewers read these modules and that file."""
