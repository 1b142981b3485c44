"""The public pages, one module per page area: thin views over the selectors and the pure display
functions. Every page is server-rendered and works without JavaScript; catalog/urls.py names each
module's views."""
