"""Extensions loaded by the Rasa server itself (in .venv-rasa), named in endpoints.yml."""
