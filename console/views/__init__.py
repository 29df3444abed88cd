"""The console's views, one module an area. Each view is declared with
`console.decorators.console_view` and receives the administered system."""
