# A failing guest script must fail the test with its own status (the CTest entry expects 9).
exit 9
