import argparse


def main() -> None:
    parser = argparse.ArgumentParser(prog="textlab")
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args()
    print(f"textlab: {args.steps} steps")


if __name__ == "__main__":
    main()
