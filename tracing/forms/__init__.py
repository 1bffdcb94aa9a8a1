"""WTForms forms, one module per audience; every form carries a CSRF token."""
