"""loanbot: answers Chinese questions about consumer-loan products from a sourced knowledge base."""

