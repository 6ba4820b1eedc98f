"""Extensions loaded by the Rasa server itself (stores chosen by environment)."""
