# Must end with status 7 (registered EXPECT_STATUS 7): proves the harness hands the guest's exit status
# back to CTest, and that `set -e` stops a script at its first failing command.
echo "about to fail on purpose"
(exit 7)
echo "not reached: set -e did not stop the script" >&2
exit 1
