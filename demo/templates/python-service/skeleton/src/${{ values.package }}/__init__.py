"""${{ values.name }}: ${{ values.description or 'a Python service' }}."""
